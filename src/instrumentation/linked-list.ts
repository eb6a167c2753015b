/** The two pointers an item carries to sit on an `IntrusiveList`. */
export interface ListLinks<T> {
  prev: T | undefined;
  next: T | undefined;
}

/**
 * A doubly linked list whose items hold their own pointers: adding one is four pointer
 * writes and no allocation, where a Set would hash a fresh object (and give it an identity
 * hash) per node attempt. An item sits on one list of a kind at a time.
 */
export class IntrusiveList<T extends ListLinks<T>> {
  /** The newest item; `next` leads to older ones. */
  head: T | undefined;
  /** The oldest item; `prev` leads to newer ones. */
  tail: T | undefined;
  size = 0;

  add(item: T): void {
    item.prev = undefined;
    item.next = this.head;
    if (this.head !== undefined) this.head.prev = item;
    else this.tail = item;
    this.head = item;
    this.size += 1;
  }

  /** Takes `item` off; an item not on the list (removed already) is left alone. */
  remove(item: T): void {
    const { prev, next } = item;
    if (prev === undefined && this.head !== item) return;
    if (prev !== undefined) prev.next = next;
    else this.head = next;
    if (next !== undefined) next.prev = prev;
    else this.tail = prev;
    item.prev = undefined;
    item.next = undefined;
    this.size -= 1;
  }

  /** Empties the list, handing over its items oldest first. */
  drainOldestFirst(take: (item: T) => void): void {
    let item = this.tail;
    this.head = undefined;
    this.tail = undefined;
    this.size = 0;
    while (item !== undefined) {
      const newer: T | undefined = item.prev;
      item.prev = undefined;
      item.next = undefined;
      take(item);
      item = newer;
    }
  }

  /** The items, newest first, as an array (safe to change the list while going through it). */
  toArray(): T[] {
    const items: T[] = [];
    for (let item = this.head; item !== undefined; item = item.next) items.push(item);
    return items;
  }
}
