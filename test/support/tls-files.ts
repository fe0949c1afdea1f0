import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files in `dir`. */
export interface TlsFiles {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/**
 * Makes a self-signed CA and, signed by it, a server certificate for `IP:127.0.0.1` and a
 * client certificate, with the openssl command (valid for a day; loopback only).
 */
export async function makeTlsFiles(dir: string): Promise<TlsFiles> {
  const path = (name: string): string => join(dir, name);
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir, timeout: 30_000 });
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=open-pool-stats test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  );
  await writeFile(path("server.ext"), "subjectAltName=IP:127.0.0.1\n");
  for (const who of ["server", "client"]) {
    await openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      `/CN=${who}`,
      "-keyout",
      `${who}.key`,
      "-out",
      `${who}.csr`,
    );
    await openssl(
      "x509",
      "-req",
      "-in",
      `${who}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "1",
      ...(who === "server" ? ["-extfile", "server.ext"] : []),
      "-out",
      `${who}.pem`,
    );
  }
  return {
    ca: path("ca.pem"),
    serverCert: path("server.pem"),
    serverKey: path("server.key"),
    clientCert: path("client.pem"),
    clientKey: path("client.key"),
  };
}
