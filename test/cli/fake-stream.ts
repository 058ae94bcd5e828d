/** A stream that says whether it is a terminal and keeps what is written to it (for progress bars). */
export function fakeStream(isTTY: boolean) {
  let written = '';
  const fake = { isTTY, columns: 120, write: (chunk: string) => ((written += chunk), true) };
  return { stream: fake as unknown as NodeJS.WriteStream, written: () => written };
}
