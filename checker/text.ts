/**
 * The words of the lab's tools (menu, progress, hints, reset, solution, watch), in one place so a
 * translation is one file. Functions where a sentence has values in it.
 */
export const text = {
  menu: {
    title: "HTTP from scratch: pick a phase (↑/↓ or j/k, a number, Enter; q to quit)",
    actionTitle: (phase: string) => `${phase}: what now? (↑/↓ or j/k, a number, Enter; Esc to go back)`,
    quit: "Quit",
    back: "Back to the phases",
    actions: {
      lesson: "Read the lesson",
      check: "Check it",
      watch: "Watch it (check again on every save)",
      hint: "Show a hint",
      reset: "Reset to the skeleton (your file is backed up first)",
      solution: "Swap in the solution (your file is backed up first)",
      restore: "Restore the latest backup",
    },
    notATerminal: "Not a terminal, so no menu. The same actions as commands:",
    pressEnter: "Press Enter to go back to the menu.",
  },
  state: {
    notStarted: "not started",
    failing: (at: string, when: string) => `failing at ${at} (${when})`,
    passed: (when: string) => `passed (${when})`,
  },
  commands: [
    ["npm run lab", "this menu"],
    ["npm run lab -- status", "each phase and where you are"],
    ["npm run lab -- lesson <n>", "print the lesson of phase n"],
    ["npm run phase <n>", "check phase n"],
    ["npm run phase <n> -- --watch", "check again on every save"],
    ["npm run hint <n>", "the next hint for the first failing check of phase n"],
    ["npm run lab -- reset <n>", "put the skeleton back (your file is backed up first)"],
    ["npm run lab -- solution <n>", "swap in the solution, once you passed (or --instructor)"],
    ["npm run lab -- restore <n>", "bring back your latest backup"],
  ] as Array<[string, string]>,
  progressRebuilt: (why: string) => `(The progress file was damaged (${why}) and has been started afresh.)`,
  hint: {
    noRun: (n: number) => `Phase ${n} has not been checked yet; checking it first...`,
    passed: (n: number) => `Phase ${n} passed: no hint needed. Onwards!`,
    level: (level: number, of: number, check: string) => `Hint ${level} of ${of} for ${check}:`,
    last: "That was the last hint for this check. The lesson's 'When you are stuck' section may help too.",
    next: (n: number) => `Run npm run hint ${n} again for the next hint.`,
  },
  files: {
    backedUp: (file: string, backupFile: string) => `Your ${file} is saved as ${backupFile}`,
    resetDone: (file: string) => `${file} is the skeleton again.`,
    solutionDone: (file: string) => `${file} is now the reference solution. npm run lab -- restore brings yours back.`,
    restoreDone: (file: string, from: string) => `${file} is back as it was in ${from}.`,
    noBackup: (n: number) => `There is no backup of phase ${n} yet: nothing to restore.`,
    confirmReset: (file: string) => `Replace ${file} with the skeleton? (your file is backed up first)`,
    confirmSolution: (file: string) => `Replace ${file} with the reference solution? (your file is backed up first)`,
    confirmRestore: (file: string, from: string) => `Replace ${file} with the backup ${from}? (the current file is backed up first)`,
    cancelled: "Nothing changed.",
    needsYes: "This replaces a file: confirm in a terminal, or add --yes.",
    solutionLocked: (n: number) =>
      `The solution of phase ${n} opens once you pass it: try npm run hint ${n} first. (Instructors: add --instructor.)`,
  },
  watch: {
    watching: (file: string) => `Watching ${file}: save it to check again. Ctrl-C to stop.`,
    polling: (why: string) => `(File-change events are not reliable here (${why}); checking the file for changes every second instead.)`,
    changed: (file: string, time: string) => `${file} changed at ${time}: checking again...`,
    stopped: "Stopped watching; no server is left running.",
  },
  usage: (error: string) => `${error}\n\nUsage: npm run lab [-- <command> [<phase>] [--yes] [--instructor]]`,
} as const;
