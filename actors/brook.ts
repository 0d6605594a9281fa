#!/usr/bin/env node
import './index';
import { brook } from '../lib/cli/commands';
import { standardOutput } from '../lib/connectors/sink/StreamTextWriter';

// The `brook` command (package.json "bin"): run, explain, list, cancel.
brook(process.argv.slice(2), { stdout: standardOutput(), stderr: process.stderr }).then((code) => (process.exitCode = code));
