/**
 * Calls whose argument is a signing or encryption key: a literal there ships the key with the
 * code whatever variable name is around it. Position and keyword of the key argument per callee
 * (qualified as Semantics.calleeName spells it).
 */
export interface KeyParameter {
  callee: string;
  arg: number;
  keyword: string;
  /** What the key protects, for the message. */
  protects: string;
}

export const PYTHON_KEY_PARAMETERS: readonly KeyParameter[] = [
  { callee: 'jwt.encode', arg: 1, keyword: 'key', protects: 'the tokens it signs' },
  { callee: 'jwt.decode', arg: 1, keyword: 'key', protects: 'the tokens it accepts' },
  { callee: 'cryptography.fernet.Fernet', arg: 0, keyword: 'key', protects: 'the data it encrypts' },
  { callee: 'hmac.new', arg: 0, keyword: 'key', protects: 'the messages it authenticates' },
  { callee: 'hmac.digest', arg: 0, keyword: 'key', protects: 'the messages it authenticates' },
  { callee: 'itsdangerous.URLSafeTimedSerializer', arg: 0, keyword: 'secret_key', protects: 'the values it signs' },
  { callee: 'itsdangerous.URLSafeSerializer', arg: 0, keyword: 'secret_key', protects: 'the values it signs' },
  { callee: 'itsdangerous.TimestampSigner', arg: 0, keyword: 'secret_key', protects: 'the values it signs' },
  { callee: 'itsdangerous.Signer', arg: 0, keyword: 'secret_key', protects: 'the values it signs' },
];
