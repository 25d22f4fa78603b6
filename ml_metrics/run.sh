#!/bin/sh
# Entry point of the ML Metrics add-on container: runs the service with the options the
# Supervisor wrote, the store on the add-on's persistent volume, and the hub reached through the
# Supervisor proxy (SUPERVISOR_TOKEN selects it: http://supervisor/core, ws://supervisor/core/websocket).
#
# Environment (defaults are the container's; the tests point them elsewhere):
#   ML_METRICS_ADDON_OPTIONS  the options file            (default /data/options.json)
#   ML_METRICS_DATA_DIR       where the store lives       (default /data)
#   ML_METRICS_APP_DIR        the installed package       (default /usr/local/lib/node_modules/hap-ml-metrics)
#   ML_METRICS_API_TOKEN      bearer token of the REST API (default: the api_token option)
set -eu

: "${ML_METRICS_ADDON_OPTIONS:=/data/options.json}"
: "${ML_METRICS_DATA_DIR:=/data}"
: "${ML_METRICS_APP_DIR:=/usr/local/lib/node_modules/hap-ml-metrics}"
export ML_METRICS_ADDON_OPTIONS ML_METRICS_DATA_DIR

if [ -z "${SUPERVISOR_TOKEN:-}" ]; then
  echo "ml_metrics: SUPERVISOR_TOKEN is not set: the add-on needs homeassistant_api: true in config.yaml" >&2
  exit 1
fi
if [ ! -r "$ML_METRICS_ADDON_OPTIONS" ]; then
  echo "ml_metrics: cannot read the add-on options $ML_METRICS_ADDON_OPTIONS" >&2
  exit 1
fi

# Inside the add-on the hub is always the Supervisor's: an HA_URL would select standalone mode.
unset HA_URL HA_TOKEN ML_METRICS_CONFIG

# The API token is an option but not part of the service's configuration: pass it the way the
# service reads it. An unreadable file yields no token here; the service then reports the file.
if [ -z "${ML_METRICS_API_TOKEN:-}" ]; then
  ML_METRICS_API_TOKEN="$(node -e '
    try {
      const options = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
      if (typeof options.api_token === "string") process.stdout.write(options.api_token);
    } catch {}
  ' "$ML_METRICS_ADDON_OPTIONS")"
  export ML_METRICS_API_TOKEN
fi

echo "ml_metrics: starting with options $ML_METRICS_ADDON_OPTIONS, store in $ML_METRICS_DATA_DIR" >&2
exec node "$ML_METRICS_APP_DIR/dist/bundle/main.js"
