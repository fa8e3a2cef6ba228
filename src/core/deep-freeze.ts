// Values built once and shared by every caller (help's answer, its rendering) are frozen all the way
// down, so that no caller can change what the next one gets: a write to one throws.
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
