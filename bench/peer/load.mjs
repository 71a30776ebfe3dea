// One closed-loop load run with autocannon, for bench/ (bench peers runs it once per round):
//
//   node load.mjs --url URL --connections N --duration SECONDS --body JSON
//
// autocannon's own histogram counts whole milliseconds, too coarse for answers in a fraction of
// one, so this records every 2xx response's time from autocannon's response event (a float in ms)
// and computes p50 and p99 from all of them. Prints one JSON object on stdout.
import { parseArgs } from "node:util";
import autocannon from "autocannon";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    connections: { type: "string", default: "1" },
    duration: { type: "string", default: "10" },
    body: { type: "string", default: "" },
  },
});

const times = [];
const instance = autocannon(
  {
    url: values.url,
    connections: Number(values.connections),
    duration: Number(values.duration),
    method: "POST",
    headers: { "content-type": "application/json" },
    body: values.body,
    timeout: 30,
  },
  (err, res) => {
    if (err) {
      console.error(String(err));
      process.exit(1);
    }
    times.sort((a, b) => a - b);
    const at = (p) => (times.length ? times[Math.min(times.length - 1, Math.floor(p * times.length))] : 0);
    console.log(
      JSON.stringify({
        requests: res.requests.total,
        duration: res.duration,
        errors: res.errors,
        timeouts: res.timeouts,
        non2xx: res.non2xx,
        p50: at(0.5),
        p99: at(0.99),
        max: times.length ? times[times.length - 1] : 0,
      }),
    );
  },
);
instance.on("response", (client, statusCode, resBytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
});
