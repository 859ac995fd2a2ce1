/**
 * Preloaded (`node --import`) into a spawned `app` process whose time a test moves: `Date.now()`,
 * which Effect's Clock reads (and so `DateTime.now`, the cluster's due messages, cron fire times,
 * the reminder pass), runs from `SIMULATED_NOW` (epoch milliseconds) at start and from whatever
 * the parent sets over the IPC channel (`{ setTime: ms }`, answered `{ timeSet: ms }`) after; it
 * flows at the real pace in between. Timers and sleeps keep real time, and so does PostgreSQL
 * (the cluster's shard locks and heartbeats): only what the process reads as "now" moves.
 */
const realNow = Date.now.bind(Date)
let offset = process.env.SIMULATED_NOW === undefined ? 0 : Number(process.env.SIMULATED_NOW) - realNow()
Date.now = () => realNow() + offset

process.on("message", (message) => {
  if (message !== null && typeof message === "object" && typeof message.setTime === "number") {
    offset = message.setTime - realNow()
    process.send?.({ timeSet: message.setTime })
  }
})
// The channel alone does not keep the process running.
process.channel?.unref()
