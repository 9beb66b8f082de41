package main

import (
	"fmt"

	"github.com/llamashell/lsh/cmd/internal/cli"
	"github.com/llamashell/lsh/cmd/lsh-full/internal/natural"
)

// config is what the command line asks for: the shell's part as lsh reads
// it (package cli), and the natural-language path's values checked.
type config struct {
	*cli.Config
	yes    natural.Yes
	engine natural.Settings
}

// parseArgs reads the command line as lsh does (cli.Parse), then checks
// the natural-language options' values.
func parseArgs(argv []string) (*config, error) {
	c, err := cli.Parse(argv)
	if err != nil {
		return nil, err
	}
	cfg := &config{Config: c, engine: natural.Settings{Model: c.Model, Source: c.Source, Endpoint: c.Endpoint}}
	if c.YesSet {
		if cfg.yes, err = natural.ParseYes(c.Yes); err != nil {
			return nil, &cli.UsageError{Msg: fmt.Sprintf("--yes: %v", err)}
		}
	}
	if err := natural.CheckSettings(cfg.engine); err != nil {
		return nil, &cli.UsageError{Msg: err.Error()}
	}
	return cfg, nil
}
