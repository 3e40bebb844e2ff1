#!/usr/bin/env node
import { main } from './run.js';

// Exit at once: an aborted stream or a keep-alive socket must not hold a finished command open.
process.exit(await main(process.argv.slice(2)));
