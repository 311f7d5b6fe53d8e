#!/bin/sh
# Ollama in the local-phi3 dev container (devcontainer.json beside this file). Never downloads a model.
#   sh ollama.sh start   wait for the server the Ollama feature starts with the container; start one if none answers
#   sh ollama.sh hint    one line: is phi3:mini pulled, and what to run if not
set -u

url="${OLLAMA_HOST:-http://localhost:11434}"  # Ollama's own variable: host:port or a URL
case "$url" in
  http://* | https://*) ;;
  *) url="http://$url" ;;
esac

answers() { curl -sf --max-time 2 "$url/api/version" >/dev/null 2>&1; }

case "${1:-}" in
  start)
    tries=0
    while [ "$tries" -lt 20 ]; do
      answers && exit 0
      tries=$((tries + 1))
      sleep 1
    done
    echo "Ollama is not answering at $url: starting ollama serve (log in ~/.ollama/serve.log)."
    mkdir -p "$HOME/.ollama"
    nohup ollama serve >"$HOME/.ollama/serve.log" 2>&1 &
    ;;
  hint)
    if ! answers; then
      echo "Local mode: Ollama is not answering at $url. Start it with: sh .devcontainer/local-phi3/ollama.sh start"
    elif curl -sf --max-time 5 "$url/api/tags" | grep -q '"phi3:mini"'; then
      echo "Local mode (GITHUB_MODELS_MODE=local): phi3:mini is pulled; the lessons get real Phi-3 answers."
    else
      echo "Local mode (GITHUB_MODELS_MODE=local): run  make local-model  once to download phi3:mini (about 2.3 GB)."
    fi
    ;;
  *)
    echo "usage: sh $0 start|hint" >&2
    exit 2
    ;;
esac
