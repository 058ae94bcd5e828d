import { Argument, type Command } from 'commander';

const shells = ['bash', 'zsh'] as const;

/** `maestro completion bash|zsh`: a script completing every command, flag and choice of this CLI. */
export function defineCompletion(command: Command, fullProgram: () => Promise<Command>): void {
  command
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(shells))
    .addHelpText('after', '\nbash: add `source <(maestro completion bash)` to ~/.bashrc\nzsh:  add `source <(maestro completion zsh)` to ~/.zshrc')
    .action(async (shell: (typeof shells)[number]) => {
      const script = bashScript(await fullProgram());
      // zsh runs the bash function through its bash-completion layer, so both complete alike.
      process.stdout.write(shell === 'zsh' ? `#compdef maestro\nautoload -U +X bashcompinit && bashcompinit\n${script}` : script);
    });
}

/**
 * What follows each command path: its subcommands, or its flags; and after a flag with choices,
 * the choices. Keys are the path of command names (and the flag), space-separated.
 */
function completions(program: Command): Map<string, string[]> {
  const words = new Map<string, string[]>();
  const visit = (command: Command, path: string) => {
    const options = command.options.filter((option) => !option.hidden && option.long);
    words.set(path, [...command.commands.map((child) => child.name()), ...options.map((option) => option.long!), '--help']);
    for (const option of options) {
      if (option.argChoices) words.set(`${path} ${option.long}`.trim(), option.argChoices);
    }
    for (const child of command.commands) visit(child, `${path} ${child.name()}`.trim());
  };
  visit(program, '');
  return words;
}

const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function bashScript(program: Command): string {
  const cases = [...completions(program)].map(([path, words]) => `    ${quoted(path)}) echo ${quoted(words.join(' '))} ;;`);
  return `# maestro completion for bash and zsh, generated from the command definitions (maestro completion bash|zsh)
_maestro_words() {
  case "$1" in
${cases.join('\n')}
  esac
}

_maestro() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path='' word i values
  # The command path: the words that name a subcommand of the path so far (flags and values skipped).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    [[ " $(_maestro_words "$path") " == *" $word "* ]] && path="\${path:+$path }$word"
  done
  values="$(_maestro_words "\${path:+$path }$prev")"
  if [[ "$prev" == --* && -n "$values" ]]; then
    COMPREPLY=($(compgen -W "$values" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_maestro_words "$path")" -- "$cur"))
  fi
}
complete -F _maestro maestro
`;
}
