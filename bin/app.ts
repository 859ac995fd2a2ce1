#!/usr/bin/env node
// The `app` command. `npm run build` compiles this to dist/bin/app.js and bundles it with all it
// imports into dist/app.js, which `npx app` and `npm start` run; `npm run dev` runs the TypeScript
// through tsx instead.
import "../src/cli/main.js"
