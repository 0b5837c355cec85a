// Package clamdtest starts a real clamd for tests, with a small local signature database that knows the
// EICAR test file, so no signature download is needed. Tests fail (never skip) when clamd is missing:
// .ci/deps installs Debian's clamav-daemon.
package clamdtest

import (
	"context"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"formportal/scan"
)

// EICAR is the industry's harmless test file that every virus scanner reports as a virus.
const EICAR = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

// Start runs clamd on a Unix socket in a temporary folder until the test ends, and returns its address
// (as the portal's -clamd flag takes it).
func Start(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("clamd")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/clamd"); statErr != nil {
			t.Fatalf("clamd is not installed (Debian's clamav-daemon; .ci/deps installs it): %v", err)
		}
		bin = "/usr/sbin/clamd"
	}
	dir, err := os.MkdirTemp("", "clamd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	db := filepath.Join(dir, "db")
	if err := os.Mkdir(db, 0o755); err != nil {
		t.Fatal(err)
	}
	// A body signature: the EICAR bytes anywhere in any file.
	sig := "Eicar-Test-Signature:0:*:" + hex.EncodeToString([]byte(EICAR)) + "\n"
	if err := os.WriteFile(filepath.Join(db, "test.ndb"), []byte(sig), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "clamd.sock")
	conf := "LocalSocket " + sock + "\nDatabaseDirectory " + db + "\nForeground yes\nLogFile " + filepath.Join(dir, "clamd.log") + "\n"
	if os.Geteuid() == 0 {
		conf += "User root\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "clamd.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", filepath.Join(dir, "clamd.conf"))
	if err := cmd.Start(); err != nil {
		t.Fatalf("start clamd: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := "unix:" + sock
	c, err := scan.NewClamd(addr)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx)
		cancel()
		if err == nil {
			return addr
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "clamd.log"))
			t.Fatalf("clamd did not answer: %v\n%s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
