package config

import (
	"errors"
	"testing"
)

func TestPathsFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Paths
		err  error
	}{
		{
			name: "defaults under HOME",
			env:  map[string]string{"HOME": "/home/ana"},
			want: Paths{
				Home: "/home/ana", ConfigHome: "/home/ana/.config", DataHome: "/home/ana/.local/share",
				StateHome: "/home/ana/.local/state", CacheHome: "/home/ana/.cache",
				ConfigFile: "/home/ana/.config/lsh/config.toml", ModelsDir: "/home/ana/.local/share/lsh/models",
				HistoryFile: "/home/ana/.local/state/lsh/history", CacheDir: "/home/ana/.cache/lsh",
			},
		},
		{
			name: "every variable set",
			env: map[string]string{"HOME": "/home/ana", "XDG_CONFIG_HOME": "/c", "XDG_DATA_HOME": "/d/",
				"XDG_STATE_HOME": "/s", "XDG_CACHE_HOME": "/k"},
			want: Paths{
				Home: "/home/ana", ConfigHome: "/c", DataHome: "/d", StateHome: "/s", CacheHome: "/k",
				ConfigFile: "/c/lsh/config.toml", ModelsDir: "/d/lsh/models",
				HistoryFile: "/s/lsh/history", CacheDir: "/k/lsh",
			},
		},
		{
			name: "relative and empty values are ignored, as the spec says",
			env:  map[string]string{"HOME": "/h", "XDG_CONFIG_HOME": "rel/conf", "XDG_DATA_HOME": "", "XDG_CACHE_HOME": "/k"},
			want: Paths{
				Home: "/h", ConfigHome: "/h/.config", DataHome: "/h/.local/share", StateHome: "/h/.local/state", CacheHome: "/k",
				ConfigFile: "/h/.config/lsh/config.toml", ModelsDir: "/h/.local/share/lsh/models",
				HistoryFile: "/h/.local/state/lsh/history", CacheDir: "/k/lsh",
			},
		},
		{
			name: "no HOME is fine when every variable is absolute",
			env:  map[string]string{"XDG_CONFIG_HOME": "/c", "XDG_DATA_HOME": "/d", "XDG_STATE_HOME": "/s", "XDG_CACHE_HOME": "/k"},
			want: Paths{
				ConfigHome: "/c", DataHome: "/d", StateHome: "/s", CacheHome: "/k",
				ConfigFile: "/c/lsh/config.toml", ModelsDir: "/d/lsh/models",
				HistoryFile: "/s/lsh/history", CacheDir: "/k/lsh",
			},
		},
		{name: "no HOME and a default needed", env: map[string]string{"XDG_CONFIG_HOME": "/c"}, err: ErrNoHome},
		{name: "relative HOME", env: map[string]string{"HOME": "home"}, err: ErrNoHome},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PathsFromEnv(func(k string) string { return tt.env[k] })
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
