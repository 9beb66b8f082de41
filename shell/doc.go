// Package shell is the one place lsh runs shell code. A Session wraps the
// POSIX interpreter of mvdan.cc/sh/v3 and owns what a shell keeps between
// commands: variables, working directory, options, functions, aliases, jobs,
// traps, the last exit status and the history of what ran.
//
// Every other package goes through a Session: the command line (cmd/internal/cli)
// runs -c strings, scripts and typed lines with it; lsh's own commands
// (llama, explain, …) are registered with RegisterBuiltin; the natural-language
// classifier asks Resolve what a word would run; the risk guard sees each
// parsed program through Options.Guard before it runs.
//
// The interpreter is extended, never forked, through its public hooks:
//
//   - a call handler that routes the builtins lsh implements itself (umask,
//     ulimit, jobs, fg, bg, wait, kill, trap, set, exec, type, …) and runs
//     pending signal traps between commands;
//   - an exec-handler middleware that runs registered builtins, then
//     external programs with sh's exit statuses (126, 127, 128+N) and
//     job bookkeeping;
//   - rewrites of each parsed program before it runs: `$-` and `$!` read
//     variables lsh maintains, and `cmd &` starts a job lsh tracks, so that
//     `$!` is a process ID and `kill %1` works.
//
// What remains different from sh is listed in docs/compatibility.md.
package shell
