#!/usr/bin/env bash
# Prints free TCP ports on 127.0.0.1, one a line: `free-port.sh` prints one, `free-port.sh N`
# prints N distinct ones (ask for all the ports a run needs in one call: separate calls could
# hand the same port out twice).
#
#   read -r KAFKA_PORT KAFKA_CONTROLLER_PORT REDIS_PORT < <(deploy/local/free-port.sh 3 | xargs)
#
# The kernel picks each port (bind to port 0) and all sockets stay open until every port is
# picked, so the N ports differ. A port is only free when printed: another process may take it
# before the caller binds it, which stack.sh then reports as a server that does not come up.
set -euo pipefail

count="${1:-1}"
if ! [[ "$count" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [COUNT]" >&2
  exit 2
fi

if command -v python3 >/dev/null 2>&1; then
  exec python3 - "$count" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
EOF
fi

# Without python3: try random ports above the usual ephemeral range's start until nothing
# answers a connect on them (a refused connect means no listener).
picked=" "
while [ "$count" -gt 0 ]; do
  port=$((20000 + RANDOM % 30000))
  case "$picked" in *" $port "*) continue ;; esac
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "$port"
    picked+="$port "
    count=$((count - 1))
  fi
done
