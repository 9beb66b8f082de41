package shell_test

import (
	"context"
	"fmt"
	"os"

	"github.com/llamashell/lsh/shell"
)

// A session runs programs one after the other, keeping its state.
func Example() {
	sess, err := shell.New(shell.Options{Stdout: os.Stdout, Stderr: os.Stdout, Dir: "/"})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	sess.Run(ctx, "greeting=hello; f() { echo \"$greeting, $1\"; }", "example")
	status, _ := sess.Run(ctx, "f world; false", "example")
	fmt.Println("status", status)
	_, err = sess.Run(ctx, "echo 'unclosed", "example")
	fmt.Println(err)
	// Output:
	// hello, world
	// status 1
	// example:1:6: reached EOF without closing quote `'`
}

// lsh's own commands are registered on the session; they run like any
// builtin, with redirections and in pipelines.
func ExampleSession_RegisterBuiltin() {
	sess, _ := shell.New(shell.Options{Stdout: os.Stdout, Dir: "/"})
	sess.RegisterBuiltin("hello", func(ctx context.Context, c *shell.Call) int {
		fmt.Fprintf(c.Stdout, "hello from %s, args %q\n", c.Dir, c.Args[1:])
		return 0
	})
	sess.Run(context.Background(), "hello a b | tr a-z A-Z", "")
	fmt.Println(sess.Resolve("hello").Kind)
	// Output:
	// HELLO FROM /, ARGS ["A" "B"]
	// lsh builtin
}

// Resolve tells shell code from words that run nothing, without running
// anything.
func ExampleSession_Resolve() {
	sess, _ := shell.New(shell.Options{Dir: "/"})
	for _, word := range []string{"cd", "if", "sh", "whats-my-ip"} {
		r := sess.Resolve(word)
		fmt.Println(word, r.Kind)
	}
	// Output:
	// cd builtin
	// if keyword
	// sh file
	// whats-my-ip not found
}
