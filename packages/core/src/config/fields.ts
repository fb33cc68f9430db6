import { configError } from '../errors.js';

/** A finite number in [min, max], or `fallback` when absent; otherwise a config_error naming the field and the range. */
export function numberField(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw configError(field, 'must be a number in range', `${min} to ${max}`);
  }
  return value;
}

/** An integer in [min, max], or `fallback` when absent; otherwise a config_error naming the field and the range. */
export function integerField(value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw configError(field, 'must be an integer in range', `${min} to ${max}`);
  }
  return value;
}

/** A boolean, or `fallback` when absent. */
export function booleanField(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw configError(field, 'must be a boolean', 'true or false');
  return value;
}
