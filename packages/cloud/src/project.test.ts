import { describe, expect, it } from 'vitest';
import { project } from './project.js';

describe('project', () => {
  it('keeps dotted paths, inside arrays too, and drops the rest', () => {
    const value = {
      id: 1,
      links: { self: { href: 's' }, html: { href: 'h' } },
      participants: [
        { user: { uuid: 'u1', links: {} }, approved: true, role: 'REVIEWER' },
        { user: { uuid: 'u2' }, approved: false },
      ],
      merge_commit: null,
    };
    expect(project(value, ['id', 'links.html.href', 'participants.user.uuid', 'participants.approved', 'merge_commit.hash', 'absent'])).toEqual({
      id: 1,
      links: { html: { href: 'h' } },
      participants: [
        { user: { uuid: 'u1' }, approved: true },
        { user: { uuid: 'u2' }, approved: false },
      ],
      merge_commit: null,
    });
  });
});
