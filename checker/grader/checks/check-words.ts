/** A check's title and hints, from a nudge to the near-answer (a function, so they stay mutable string[]). */
export const check = (title: string, hints: string[]): { title: string; hints: string[] } => ({ title, hints });
