// The runs table's filter box: typing sends the filter once it settles (Enter at once), never the same one twice;
// the host's parse error shows under it.

const FILTER_DEBOUNCE_MS = 300;

export class FilterBox {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly input: HTMLInputElement,
    private readonly errorLine: HTMLElement,
    /** The filter last sent to the host (the one restored with the page counts as sent). */
    private sent: string,
    /** Called with the trimmed filter each time it settles (to keep it in the page state). */
    private readonly onSettled: (filter: string) => void,
    private readonly send: (filter: string) => void,
    onArrowDown: () => void,
  ) {
    input.value = sent;
    input.addEventListener('input', () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.settle(), FILTER_DEBOUNCE_MS);
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.settle();
      if (e.key === 'ArrowDown') onArrowDown();
    });
    this.showError('');
  }

  private settle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const filter = this.input.value.trim();
    this.onSettled(filter);
    if (filter === this.sent) return;
    this.sent = filter;
    this.send(filter);
  }

  showError(message: string): void {
    this.errorLine.textContent = message;
    this.errorLine.hidden = message === '';
    this.input.setAttribute('aria-invalid', String(message !== ''));
  }
}
