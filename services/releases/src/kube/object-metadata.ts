/**
 * A metadata-only list (`as=PartialObjectMetadataList`) read from its protobuf encoding, keeping only what a
 * release list needs: protobuf lets us skip every object's `managedFields` without reading them, which is
 * most of the bytes of a metadata list (bench/README.md has the measurements against JSON).
 */

/** The fields of one object's metadata a release list uses. */
export interface ObjectMetadata {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  labels: Record<string, string>;
  /** The whole object, when a server answered a full list rather than metadata (see KubeApi.metadataList). */
  sentObject?: { metadata: { name: string; namespace?: string; labels?: Record<string, string> | null }; data?: Record<string, string> | null };
}

/** Accept header for a metadata-only list: protobuf, the apiserver's `meta.k8s.io/v1` PartialObjectMetadataList. */
export const metadataListAccept = 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/** The bytes are not what a Kubernetes API server sends (the caller answers 502/604). */
export class MalformedProtobufError extends Error {
  override readonly name = 'MalformedProtobufError';
}

const envelopeMagic = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/**
 * The items of a protobuf PartialObjectMetadataList (inside Kubernetes' `k8s\0` + runtime.Unknown envelope),
 * with only the labels named in `labelKeys` (reading no others saves most of the work).
 */
export function decodeMetadataList(bytes: Uint8Array, labelKeys: readonly string[]): ObjectMetadata[] {
  const list = unwrapEnvelope(bytes);
  const keys = labelKeys.map((name) => ({ name, bytes: Buffer.from(name, 'latin1'), values: new RepeatedTexts() }));
  // One reader per nesting level, reused for every item: a list of thousands allocated tens of thousands of
  // readers, and collecting them was the largest part of the decoding time.
  const readers = { item: new FieldReader(list, 0, 0), meta: new FieldReader(list, 0, 0), label: new FieldReader(list, 0, 0) };
  const namespaces = new RepeatedTexts();
  const items: ObjectMetadata[] = [];
  // PartialObjectMetadataList: 1 ListMeta, 2 repeated PartialObjectMetadata { 1 ObjectMeta }.
  for (const reader = new FieldReader(list, 0, list.length); reader.next();) {
    if (reader.field !== 2 || !reader.isBytes) continue;
    for (const item = reader.enter(readers.item); item.next();) {
      if (item.field === 1 && item.isBytes) items.push(objectMeta(item.enter(readers.meta), readers.label, keys, namespaces));
    }
  }
  return items;
}

/** The `message` of a protobuf Status (an error answer to a protobuf request), if it is one. */
export function protobufStatusMessage(bytes: Uint8Array): string | undefined {
  try {
    const status = unwrapEnvelope(bytes);
    for (const reader = new FieldReader(status, 0, status.length); reader.next();) if (reader.field === 3 && reader.isBytes) return reader.text();
  } catch {
    return undefined;
  }
  return undefined;
}

function unwrapEnvelope(bytes: Uint8Array): Buffer {
  if (bytes.length < 4 || envelopeMagic.some((byte, index) => bytes[index] !== byte)) throw new MalformedProtobufError('no k8s protobuf envelope');
  // runtime.Unknown: 1 TypeMeta, 2 raw, 3 contentEncoding, 4 contentType.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (const reader = new FieldReader(buffer, 4, buffer.length); reader.next();) if (reader.field === 2 && reader.isBytes) return reader.bytes();
  throw new MalformedProtobufError('empty k8s protobuf envelope');
}

function objectMeta(
  reader: FieldReader,
  labelReader: FieldReader,
  labelKeys: ReadonlyArray<{ name: string; bytes: Buffer; values: RepeatedTexts }>,
  namespaces: RepeatedTexts,
): ObjectMetadata {
  const meta: ObjectMetadata = { name: '', namespace: '', uid: '', resourceVersion: '', labels: {} };
  while (reader.next()) {
    if (!reader.isBytes) continue;
    switch (reader.field) {
      case 1:
        meta.name = reader.text();
        break;
      case 3:
        meta.namespace = namespaces.of(reader);
        break;
      case 5:
        meta.uid = reader.text();
        break;
      case 6:
        meta.resourceVersion = reader.text();
        break;
      case 11: {
        // map<string, string> entry: 1 key, 2 value (Go writes the key first; a value before its key is skipped).
        let key: (typeof labelKeys)[number] | undefined;
        for (const entry = reader.enter(labelReader); entry.next();) {
          if (entry.field === 1 && entry.isBytes) key = labelKeys.find((wanted) => entry.equals(wanted.bytes));
          else if (entry.field === 2 && entry.isBytes && key !== undefined) meta.labels[key.name] = key.values.of(entry);
        }
        break;
      }
    }
  }
  return meta;
}

/**
 * Strings that repeat from item to item (a list's namespace, label values such as `deployed`), made once:
 * a value is compared with the few strings already made before a new one is, which saves the allocation
 * and its collection for every item. Values that do not repeat (every release's own name) fill the few
 * places and then stop being compared at all.
 */
class RepeatedTexts {
  private readonly known: string[] = [];
  private repeating = true;

  of(reader: FieldReader): string {
    if (!this.repeating) return reader.text();
    for (const text of this.known) if (reader.equalsText(text)) return text;
    const text = reader.text();
    if (this.known.length < 8) this.known.push(text);
    else this.repeating = false;
    return text;
  }
}

/**
 * Walks the fields of one message in `bytes[start, end)` without copying: after `next()`, `field` is the
 * field number and, for a length-delimited field, `text()`, `bytes()` or `enter()` read its value; other
 * wire types are skipped. Throws MalformedProtobufError on anything truncated or out of range.
 */
class FieldReader {
  field = 0;
  isBytes = false;
  private valueStart = 0;
  private valueEnd = 0;

  constructor(
    private readonly buffer: Buffer,
    private offset: number,
    private end: number,
  ) {}

  next(): boolean {
    if (this.offset >= this.end) return false;
    const tag = this.varint();
    this.field = Math.floor(tag / 8);
    const wireType = tag & 7;
    this.isBytes = wireType === 2;
    if (wireType === 0) this.varint();
    else if (wireType === 2) {
      const length = this.varint();
      this.valueStart = this.offset;
      this.valueEnd = this.offset + length;
      this.offset = this.valueEnd;
    } else if (wireType === 1) this.offset += 8;
    else if (wireType === 5) this.offset += 4;
    else throw new MalformedProtobufError(`unsupported wire type ${wireType}`);
    if (this.offset > this.end) throw new MalformedProtobufError('truncated field');
    return true;
  }

  /** Whether the value is exactly `text`'s Latin-1 bytes (see text()), without making a string. */
  equalsText(text: string): boolean {
    if (this.valueEnd - this.valueStart !== text.length) return false;
    for (let index = 0; index < text.length; index += 1) if (this.buffer[this.valueStart + index] !== text.charCodeAt(index)) return false;
    return true;
  }

  /** Whether the value is exactly `bytes`. */
  equals(bytes: Uint8Array): boolean {
    if (this.valueEnd - this.valueStart !== bytes.length) return false;
    for (let index = 0; index < bytes.length; index += 1) if (this.buffer[this.valueStart + index] !== bytes[index]) return false;
    return true;
  }

  /**
   * A string value, read as Latin-1 in one native call: names, uids, resourceVersions and label values are
   * ASCII (Kubernetes validates them), and what a hostile server sends otherwise only names nothing of ours.
   */
  text(): string {
    return this.buffer.toString('latin1', this.valueStart, this.valueEnd);
  }

  bytes(): Buffer {
    return this.buffer.subarray(this.valueStart, this.valueEnd);
  }

  /** `into`, set to walk the fields of this value (a nested message). */
  enter(into: FieldReader): FieldReader {
    into.offset = this.valueStart;
    into.end = this.valueEnd;
    return into;
  }

  private varint(): number {
    // Most tags and lengths fit in one byte.
    const first = this.offset < this.end ? this.buffer[this.offset]! : 0x80;
    if (first < 0x80) {
      this.offset += 1;
      return first;
    }
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.offset >= this.end || shift > 49) throw new MalformedProtobufError('truncated or oversized varint');
      const byte = this.buffer[this.offset++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
    }
  }
}
