#!/usr/bin/env node
import './index';
import { brook } from '../lib/cli/commands';

// The `brook` command (package.json "bin"): run, explain, list, cancel.
brook(process.argv.slice(2), { stdout: { write: (s) => void process.stdout.write(s) }, stderr: process.stderr }).then((code) => (process.exitCode = code));
