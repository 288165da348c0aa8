package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests run the command as a user does, as a CGO_ENABLED=0 binary,
// with its own cache (LIBBPF_GO_CACHE) and its own go env file (GOENV),
// from this repository (the main module, whose pin it sets up). The
// source is the pinned tarball that `make libbpf` fetched into build/apt.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	if builtCache != "" {
		os.RemoveAll(builtCache)
	}
	os.Exit(code)
}

func repoTop(t *testing.T) string {
	t.Helper()
	top, err := filepath.Abs("../..")
	require.NoError(t, err)
	return top
}

// setupBinary builds the command once, without cgo: it must work before
// any libbpf exists.
func setupBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "libbpf-setup-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "libbpf-setup")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	require.NoError(t, binErr)
	return binPath
}

// pinnedTarball is the release tarball of the pin, as sync.sh fetched it.
func pinnedTarball(t *testing.T) string {
	t.Helper()
	p, err := readPin(filepath.Join(repoTop(t), "libbpf", "CHECKPOINT"))
	require.NoError(t, err)
	tarball := filepath.Join(repoTop(t), "build", "apt", "src", p.tarball)
	if _, err := os.Stat(tarball); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: run make libbpf first", tarball)
		}
		t.Skipf("%s is missing: run make libbpf first", tarball)
	}
	return tarball
}

// env is one user's world: a cache and a go env file.
type env struct {
	cache, goenv string
	extra        []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	d := t.TempDir()
	return &env{cache: filepath.Join(d, "cache"), goenv: filepath.Join(d, "goenv")}
}

type result struct {
	code           int
	stdout, stderr string
}

func (e *env) command(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(setupBinary(t), args...)
	cmd.Dir = repoTop(t)
	cmd.Env = append(os.Environ(), "LIBBPF_GO_CACHE="+e.cache, "GOENV="+e.goenv, "PKG_CONFIG=", "PKG_CONFIG_PATH=")
	cmd.Env = append(cmd.Env, e.extra...)
	return cmd
}

func (e *env) run(t *testing.T, args ...string) result {
	t.Helper()
	cmd := e.command(t, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{code, stdout.String(), stderr.String()}
}

func lines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

func (e *env) buildDir(t *testing.T) string {
	p, err := readPin(filepath.Join(repoTop(t), "libbpf", "CHECKPOINT"))
	require.NoError(t, err)
	return filepath.Join(e.cache, p.key())
}

// leftovers lists what a run left in the cache besides finished builds,
// locks, logs and the wrappers.
func leftovers(t *testing.T, cache string) []string {
	entries, _ := filepath.Glob(filepath.Join(cache, ".*.tmp-*"))
	return entries
}

// One finished build, shared by the tests that need one (a build takes
// most of a minute on two cores): TestConcurrentRunsBuildOnce's, or one
// made here when that test did not run or failed.
var (
	builtOnce  sync.Once
	builtCache string
)

func withBuild(t *testing.T) *env {
	t.Helper()
	tarball := pinnedTarball(t)
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "libbpf-setup-cache")
		require.NoError(t, err)
		e := &env{cache: dir, goenv: filepath.Join(dir, "goenv-unused")}
		res := e.run(t, "-print", "-from", tarball)
		require.Equal(t, 0, res.code, res.stderr)
		builtCache = dir
	})
	require.NotEmpty(t, builtCache, "the shared build failed earlier")
	e := newEnv(t)
	e.cache = builtCache
	return e
}

func TestWrongChecksumIsOneLineAndLeavesNothing(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "libbpf_1.7.0.orig.tar.gz")
	data, err := os.ReadFile(pinnedTarball(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, append(data, 0), 0o644))
	e := newEnv(t)
	res := e.run(t, "-from", bad)
	assert.Equal(t, 1, res.code)
	require.Len(t, lines(res.stderr), 1, res.stderr)
	assert.Regexp(t, `^libbpf-setup: .*has SHA-256 [0-9a-f]{64}, the pin says 7ab5feff`, res.stderr)
	assert.NoDirExists(t, e.buildDir(t))
	assert.Empty(t, leftovers(t, e.cache))
	assert.NoFileExists(t, e.goenv, "go env was changed by a failed run")
}

func TestUnreachableSourcesAreOneLineEachThenTheNextIsTried(t *testing.T) {
	pinnedTarball(t)
	e := newEnv(t)
	// Nothing listens on port 1 of the loopback address.
	e.extra = []string{"LIBBPF_GO_UPSTREAM_URL=http://127.0.0.1:1/libbpf-1.7.0.tar.gz", "DEBIAN_MIRROR=http://127.0.0.1:1/debian"}
	res := e.run(t)
	assert.Equal(t, 1, res.code)
	l := lines(res.stderr)
	require.Len(t, l, 2, res.stderr)
	assert.Regexp(t, `^libbpf-setup: upstream release unreachable \(.*connection refused\); trying Debian's source package$`, l[0])
	assert.Regexp(t, `^libbpf-setup: no source could be used: upstream http://127.0.0.1:1/\S+ unreachable, and Debian's source package: .*; pass -from with the release tarball libbpf_1.7.0.orig.tar.gz \(SHA-256 7ab5feff`, l[1])
	assert.NoDirExists(t, e.buildDir(t))
	assert.Empty(t, leftovers(t, e.cache))
}

func TestMissingCompilerIsOneLineWithTheInstallCommands(t *testing.T) {
	e := newEnv(t)
	e.extra = []string{"CC=/nonexistent/cc"}
	res := e.run(t, "-from", pinnedTarball(t))
	assert.Equal(t, 1, res.code)
	require.Len(t, lines(res.stderr), 1, res.stderr)
	assert.Contains(t, res.stderr, "missing C compiler (/nonexistent/cc)")
	assert.Contains(t, res.stderr, "sudo apt-get install gcc (Debian, Ubuntu) or sudo dnf install gcc (Fedora)")
	assert.NoDirExists(t, e.buildDir(t))
}

func TestReadOnlyCacheIsOneLine(t *testing.T) {
	e := newEnv(t)
	ro := filepath.Join(t.TempDir(), "ro")
	require.NoError(t, os.MkdirAll(ro, 0o755))
	e.cache = filepath.Join(ro, "libbpf-go")
	cmd := e.command(t, "-from", pinnedTarball(t))
	if os.Geteuid() == 0 {
		// Root writes through file modes: make the folder a read-only
		// mount in a private mount namespace instead.
		_, err := exec.LookPath("unshare")
		require.NoError(t, err, "unshare (util-linux) is needed")
		cmd.Args = append([]string{"unshare", "-m", "sh", "-c", `mount --bind -o ro "$0" "$0" && exec "$@"`, ro}, cmd.Args...)
		cmd.Path, _ = exec.LookPath("unshare")
	} else {
		require.NoError(t, os.Chmod(ro, 0o555))
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	require.Error(t, err)
	require.Len(t, lines(stderr.String()), 1, stderr.String())
	assert.Regexp(t, `^libbpf-setup: cannot create the cache folder .*/ro/libbpf-go: (read-only file system|permission denied); set LIBBPF_GO_CACHE to a writable folder`, stderr.String())
}

func TestConcurrentRunsBuildOnce(t *testing.T) {
	tarball := pinnedTarball(t)
	e := newEnv(t)
	// This build is the one the later tests share (see withBuild).
	dir, err := os.MkdirTemp("", "libbpf-setup-cache")
	require.NoError(t, err)
	e.cache = dir
	keep := false
	defer func() {
		if !keep {
			os.RemoveAll(dir)
		}
	}()
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.run(t, "-print", "-from", tarball)
		}()
		// The second starts while the first holds the lock.
		time.Sleep(300 * time.Millisecond)
	}
	wg.Wait()
	built, waited := 0, 0
	for _, r := range results {
		require.Equal(t, 0, r.code, r.stderr)
		built += strings.Count(r.stderr, "libbpf-setup: built libbpf 1.7.0 from")
		if strings.Contains(r.stderr, "another libbpf-setup is building libbpf 1.7.0") {
			assert.Contains(t, r.stderr, "was built by the other run")
			waited++
		}
		assert.Equal(t, "export PKG_CONFIG="+filepath.Join(e.cache, "pkg-config")+"\n", r.stdout)
	}
	assert.Equal(t, 1, built, "builds: %+v", results)
	assert.Equal(t, 1, waited, "runs that waited: %+v", results)
	assert.FileExists(t, filepath.Join(e.buildDir(t), "SETUP"))
	assert.Empty(t, leftovers(t, e.cache))
	if !t.Failed() {
		builtOnce.Do(func() { builtCache, keep = dir, true })
	}
}

func TestKilledBuildLeavesNothingTrustedAndTheNextRunBuilds(t *testing.T) {
	tarball := pinnedTarball(t)
	e := newEnv(t)
	cmd := e.command(t, "-print", "-from", tarball)
	// Its own process group, so that the kill takes make and cc with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	// Kill it in the middle of compiling libbpf.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		objs, _ := filepath.Glob(filepath.Join(e.cache, ".*.tmp-*", "obj", "staticobjs", "*.o"))
		if len(objs) >= 3 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the build never started compiling")
		time.Sleep(50 * time.Millisecond)
	}
	require.NoError(t, syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL))
	_ = cmd.Wait()
	assert.NoDirExists(t, e.buildDir(t), "a killed build was moved into place")
	require.NotEmpty(t, leftovers(t, e.cache), "the kill came too late to test anything")

	res := e.run(t, "-check")
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stdout, "build:      none in "+e.buildDir(t))

	res = e.run(t, "-print", "-from", tarball)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stderr, "removed 1 unfinished build(s) of an interrupted run")
	assert.Contains(t, res.stderr, "built libbpf 1.7.0 from")
	assert.FileExists(t, filepath.Join(e.buildDir(t), "root", "usr", "lib64", "libbpf.a"))
	assert.Empty(t, leftovers(t, e.cache))
}

func TestSecondRunIsANoOp(t *testing.T) {
	e := withBuild(t)
	setup := filepath.Join(e.buildDir(t), "SETUP")
	before, err := os.Stat(setup)
	require.NoError(t, err)
	res := e.run(t)
	require.Equal(t, 0, res.code, res.stderr)
	res = e.run(t)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, "libbpf-setup: libbpf 1.7.0 is already built in "+e.buildDir(t)+"\n"+
		"libbpf-setup: go env PKG_CONFIG is already "+filepath.Join(e.cache, "pkg-config")+": go build, go vet and go test find libbpf 1.7.0\n", res.stderr)
	after, err := os.Stat(setup)
	require.NoError(t, err)
	assert.Equal(t, before.ModTime(), after.ModTime(), "the build was redone")
}

func TestUserSetPkgConfigIsKeptUnlessForcedAndUndoRestoresIt(t *testing.T) {
	e := withBuild(t)
	user := "GOPRIVATE=example.com/private\nPKG_CONFIG=/usr/bin/pkgconf\n"
	require.NoError(t, os.WriteFile(e.goenv, []byte(user), 0o644))

	res := e.run(t)
	assert.Equal(t, 1, res.code)
	require.Len(t, lines(res.stderr), 2, res.stderr)
	assert.Contains(t, res.stderr, "libbpf-setup: go env PKG_CONFIG is already set to /usr/bin/pkgconf, and libbpf-setup leaves what you set alone: rerun with -force")
	data, _ := os.ReadFile(e.goenv)
	assert.Equal(t, user, string(data))

	res = e.run(t, "-force")
	require.Equal(t, 0, res.code, res.stderr)
	data, _ = os.ReadFile(e.goenv)
	assert.Contains(t, string(data), "PKG_CONFIG="+filepath.Join(e.cache, "pkg-config"))
	wrapper, err := os.ReadFile(filepath.Join(e.cache, "pkg-config"))
	require.NoError(t, err)
	assert.Contains(t, string(wrapper), "real='/usr/bin/pkgconf'", "the wrapper calls what it replaced")

	res = e.run(t, "-undo")
	require.Equal(t, 0, res.code, res.stderr)
	data, _ = os.ReadFile(e.goenv)
	assert.Equal(t, user, string(data))
}

func TestUndoWithoutAPreviousValueRemovesWhatSetupWrote(t *testing.T) {
	e := withBuild(t)
	res := e.run(t)
	require.Equal(t, 0, res.code, res.stderr)
	assert.FileExists(t, e.goenv)
	res = e.run(t, "-undo")
	require.Equal(t, 0, res.code, res.stderr)
	assert.NoFileExists(t, e.goenv, "go env -w created the file; -undo leaves none, as before")
	res = e.run(t, "-undo")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stderr, "nothing to undo")
}

func TestCheckSaysWhetherAGoBuildFindsIt(t *testing.T) {
	e := withBuild(t)
	res := e.run(t, "-check")
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stdout, "build:      "+e.buildDir(t))
	assert.Regexp(t, `^libbpf-setup: a go build of the binding would find no libbpf set up .*; run go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup@latest\n$`, res.stderr)

	require.Equal(t, 0, e.run(t).code)
	res = e.run(t, "-check")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stdout, "PKG_CONFIG: "+filepath.Join(e.cache, "pkg-config")+" (libbpf-setup's wrapper)")
	assert.Contains(t, res.stdout, "go build:   finds libbpf 1.7.0 in "+filepath.Join(e.buildDir(t), "root", "usr", "include"))
}

func TestStaticPrintsSettingsForOneBuild(t *testing.T) {
	e := withBuild(t)
	res := e.run(t, "-static")
	require.Equal(t, 0, res.code, res.stderr)
	l := lines(res.stdout)
	require.Len(t, l, 2, res.stdout)
	assert.Equal(t, `# For one build only: (eval "$(go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup -static)" && go build ./cmd/youragent)`, l[0])
	assert.Equal(t, 1, strings.Count(l[1], "PKG_CONFIG="), l[1])
	assert.Contains(t, l[1], "PKG_CONFIG="+filepath.Join(e.cache, "pkg-config-static"))
	assert.Contains(t, l[1], "CGO_LDFLAGS='-static -Wl,--build-id=none -Wl,--gc-sections'")
	assert.NoFileExists(t, e.goenv, "-static changed go env")
	// The static wrapper lists the private libraries a static link needs.
	out, err := exec.Command(filepath.Join(e.cache, "pkg-config-static"), "--libs", "libbpf").CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "-lelf")
}

func TestThePkgConfigWrapperPicksThePinOfTheBinding(t *testing.T) {
	e := withBuild(t)
	// As a user's go build runs it: without the PKG_CONFIG_PATH that the
	// repository's make env (and make test) set, which would find the
	// repository's own libbpf first.
	wrapper := func(args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(e.cache, "pkg-config"), args...)
		cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool {
			return strings.HasPrefix(kv, "PKG_CONFIG_PATH=")
		})
		return cmd
	}
	pc := filepath.Join(repoTop(t), "binding", "libbpf-go.pc")
	out, err := wrapper("--cflags", "--", pc).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "-I"+filepath.Join(e.buildDir(t), "root", "usr", "include"))
	// A binding whose pin is not set up gets no build: pkg-config falls
	// through to the stand-in, and the binding's build says what to run.
	other := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(other, "binding"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(other, "libbpf"), 0o755))
	for _, f := range []string{"libbpf-go.pc", "libbpf.pc"} {
		data, err := os.ReadFile(filepath.Join(repoTop(t), "binding", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(other, "binding", f), data, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(other, "libbpf", "CHECKPOINT"), []byte("version=1.8.0\nsha256="+strings.Repeat("0", 64)+"\n"), 0o644))
	out, err = wrapper("--cflags", "--", filepath.Join(other, "binding", "libbpf-go.pc")).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, "-DLIBBPF_GO_NO_LIBBPF", strings.TrimSpace(string(out)))
	// libbpf-skel's question: where are the headers of the last setup?
	out, err = wrapper("--variable=includedir", "libbpf").CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, filepath.Join(e.buildDir(t), "root", "usr", "include"), strings.TrimSpace(string(out)))
}

func TestBadArgumentsAreOneLine(t *testing.T) {
	e := newEnv(t)
	res := e.run(t, "extra")
	assert.Equal(t, 2, res.code)
	assert.Equal(t, "libbpf-setup: unexpected argument \"extra\"; see libbpf-setup -h\n", res.stderr)
	res = e.run(t, "-from", filepath.Join(t.TempDir(), "missing.tar.gz"))
	assert.Equal(t, 1, res.code)
	assert.Regexp(t, `^libbpf-setup: -from \S+missing.tar.gz: no such file or directory\n$`, res.stderr)
	res = e.run(t, "-from", t.TempDir())
	assert.Equal(t, 1, res.code)
	assert.Contains(t, res.stderr, "is neither a release tarball, a libbpf tree (src/libbpf.c) nor a kernel tree")
	require.Len(t, lines(res.stderr), 1)
}
