import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigurationError, DecryptionError } from '../errors/HubError';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every sealed value, so a future key or algorithm change can be told apart. */
const FORMAT_V1 = 1;

/** AES-256-GCM encryption of secrets at rest. Layout: version(1) | iv(12) | tag(16) | ciphertext. */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new ConfigurationError(`HUB_ENCRYPTION_KEY must decode to 32 bytes, got ${key.length}.`);
    this.key = key;
  }

  static fromBase64(encoded: string): SecretBox {
    const trimmed = encoded.trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
      throw new ConfigurationError('HUB_ENCRYPTION_KEY must be base64 (generate one with: openssl rand -base64 32).');
    }
    return new SecretBox(Buffer.from(trimmed, 'base64'));
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  seal(plaintext: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): string {
    try {
      if (sealed[0] !== FORMAT_V1) throw new Error(`unknown sealed format ${sealed[0]}`);
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new DecryptionError(err);
    }
  }

  sealJson(value: unknown): Buffer {
    return this.seal(JSON.stringify(value));
  }

  openJson<T>(sealed: Buffer): T {
    return JSON.parse(this.open(sealed)) as T;
  }
}
