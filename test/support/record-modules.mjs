/**
 * `node --import` this file with RECORD_MODULES_TO=<file> set: every module the process resolves
 * (its own entry point included) is appended to that file, one URL per line. The CLI tests use it
 * to see what `npm start` and `npx app` really load.
 */
import { register } from "node:module"

register("./record-modules-hooks.mjs", import.meta.url, { data: { to: process.env.RECORD_MODULES_TO } })
