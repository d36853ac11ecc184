// Starts `roster demo` on free ports with a fresh database and returns its
// console URL and the one-time sign-in link it prints.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
    s.on("error", fail);
  });
}

export async function startDemo() {
  const bin = process.env.ROSTER_BIN || resolve(import.meta.dirname, "../../target/debug/roster");
  const dir = mkdtempSync(join(tmpdir(), "roster-e2e-"));
  const [web, aws] = [await freePort(), await freePort()];
  const proc = spawn(bin, ["demo", "--listen", `127.0.0.1:${web}`, "--aws-listen", `127.0.0.1:${aws}`,
    "--database-url", `sqlite://${join(dir, "demo.db")}`], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  proc.stderr.on("data", (d) => (err += d));
  const link = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`roster demo printed no link:\n${out}\n${err}`)), 60_000);
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/(http:\/\/\S+\/signin\/link\/\S+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    proc.on("exit", (code) => fail(new Error(`roster demo exited ${code}:\n${out}\n${err}`)));
  });
  return { base: `http://127.0.0.1:${web}`, link, stop: () => proc.kill("SIGTERM") };
}
