# Sourced by .ci/run (and usable by hand: `source .ci/use-node.sh`): puts the Node.js line the
# project builds and tests on (.nvmrc, the same major as the Lambda runtime nodejs24.x) first on
# PATH. A machine whose node already is that major keeps it; otherwise the exact .nvmrc version is
# installed once from the npm registry (the node-<os>-<arch> package holds the official binary)
# into ~/.cache/labs-node, with no other download.
want="$(tr -d '[:space:]' < "$(dirname "${BASH_SOURCE[0]}")/../.nvmrc")"
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)" != "${want%%.*}" ]; then
    case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
    pkg="node-$(uname -s | tr '[:upper:]' '[:lower:]')-$arch"
    dir="${LABS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/labs-node}/$want"
    if [ ! -x "$dir/node_modules/$pkg/bin/node" ]; then
        echo "Installing Node.js $want ($pkg) from the npm registry into $dir" >&2
        npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$pkg@$want" >&2
    fi
    export PATH="$dir/node_modules/$pkg/bin:$PATH"
    # Native addons (node-gyp) build against this Node's own headers, not the system Node's.
    export npm_config_nodedir="$dir/node_modules/$pkg"
fi
echo "Node.js $(node --version), npm $(npm --version)" >&2
