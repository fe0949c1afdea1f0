#!/usr/bin/env node
import { runCli } from "./run-cli.js";

// The package's `bin`. Exit explicitly: a client still reconnecting must not keep a
// stopped service alive.
void runCli(process.argv.slice(2)).then((code) => process.exit(code));
