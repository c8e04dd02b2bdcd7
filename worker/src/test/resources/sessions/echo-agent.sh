#!/usr/bin/env bash
# A stand-in for a coding-agent CLI: reads prompts on stdin, one a line, and answers each on stdout.
echo "echo-agent ready in $(pwd)"
while IFS= read -r line; do
  echo "answer: ${line}"
  if [ "$line" = "bye" ]; then
    exit 0
  fi
done
