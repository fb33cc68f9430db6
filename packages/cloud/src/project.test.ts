import { describe, expect, it } from 'vitest';
import { project } from './project.js';

describe('project', () => {
  it('keeps dotted paths, inside arrays too, and drops the rest (as a fields= whitelist does)', () => {
    const value = {
      id: 1,
      links: { self: { href: 's' }, html: { href: 'h' } },
      participants: [
        { user: { uuid: 'u1', links: {} }, approved: true, role: 'REVIEWER' },
        { user: { uuid: 'u2' }, approved: false },
      ],
      reviewers: [],
      merge_commit: null,
      closed_by: null,
      title: null,
    };
    expect(
      project(value, ['id', 'title', 'links.html.href', 'participants.user.uuid', 'participants.approved', 'merge_commit.hash', 'reviewers.uuid', 'closed_by', 'absent']),
    ).toEqual({
      id: 1,
      title: null,
      links: { html: { href: 'h' } },
      participants: [
        { user: { uuid: 'u1' }, approved: true },
        { user: { uuid: 'u2' }, approved: false },
      ],
      reviewers: [],
      closed_by: null,
    });
  });
});
