import { expect, test } from "vitest";
import { createRng } from "../../checker/grader/rng.ts";

test("the same seed gives the same words, another seed other words", () => {
  const words = (seed: number): string[] => {
    const rng = createRng(seed);
    return Array.from({ length: 5 }, () => rng.word(6));
  };
  expect(words(42)).toEqual(words(42));
  expect(words(42)).not.toEqual(words(43));
  for (const word of words(7)) expect(word).toMatch(/^[a-z][a-z0-9]{5}$/);
});

test("int stays within its bounds", () => {
  const rng = createRng(1);
  const values = Array.from({ length: 1000 }, () => rng.int(3, 5));
  expect(new Set(values)).toEqual(new Set([3, 4, 5]));
});
