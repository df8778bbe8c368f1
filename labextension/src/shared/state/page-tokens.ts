/**
 * Where a state is in a list the server pages through with page tokens: the
 * token of each page shown so far, the next page's token, and a generation
 * that changes with the page, so that a late answer for another page is
 * dropped.
 */
export class PageTokens {
  /**
   * Zero-based index of the current page.
   */
  get index(): number {
    return this._tokens.length - 1;
  }

  /**
   * The token of the current page (`null` for the first).
   */
  get current(): string | null {
    return this._tokens[this._tokens.length - 1];
  }

  /**
   * The token of the page after this one, `null` when there is none.
   */
  get next(): string | null {
    return this._next;
  }
  set next(token: string | null) {
    this._next = token;
  }

  /**
   * Whether there is a page after this one.
   */
  get hasNext(): boolean {
    return this._next !== null;
  }

  /**
   * Whether there is a page before this one.
   */
  get hasPrevious(): boolean {
    return this._tokens.length > 1;
  }

  /**
   * Changes whenever the current page does: compare it before and after a
   * fetch to drop a stale answer.
   */
  get generation(): number {
    return this._generation;
  }

  /**
   * Move to the next page.
   *
   * @returns Whether there was one.
   */
  forward(): boolean {
    if (this._next === null) {
      return false;
    }
    this._tokens.push(this._next);
    this._next = null;
    this._generation++;
    return true;
  }

  /**
   * Move to the previous page.
   *
   * @returns Whether there was one.
   */
  back(): boolean {
    if (this._tokens.length <= 1) {
      return false;
    }
    this._tokens.pop();
    this._next = null;
    this._generation++;
    return true;
  }

  /**
   * Go back to the first page (of a new query).
   */
  reset(): void {
    this._generation++;
    this._tokens = [null];
    this._next = null;
  }

  private _generation = 0;
  private _next: string | null = null;
  private _tokens: (string | null)[] = [null];
}
