# Sourced by the scripts: puts the project-local tools (Node 22, tauri-driver) and
# cargo on PATH.
_sb_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for _sb_dir in "$_sb_root"/.tools/node22/node_modules/node-linux-*/bin "$_sb_root/.tools/cargo/bin" "$HOME/.cargo/bin"; do
  [ -d "$_sb_dir" ] && case ":$PATH:" in *":$_sb_dir:"*) ;; *) PATH="$_sb_dir:$PATH" ;; esac
done
export PATH
unset _sb_root _sb_dir
