import { ErrorCode, ErrorMessage, tokenScopeMissing, type ErrorBody } from '@platform/contracts';

/**
 * The one error type services throw for an answer in the contract's shape. `status` is the HTTP status,
 * `code` and `errors` the body; `cause` is logged, never sent; `headers` go with the answer (`retry-after`).
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    readonly code: number,
    readonly errors: string[],
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(errors.join('; '), options);
    this.headers = options?.headers ?? {};
  }

  get body(): ErrorBody {
    return { code: this.code, errors: this.errors };
  }

  static badRequest(cause?: unknown): AppError {
    return new AppError(400, ErrorCode.BadRequest, [ErrorMessage.couldNotProcess], { cause });
  }

  static notFound(message: string = ErrorMessage.notFound): AppError {
    return new AppError(404, ErrorCode.NotFound, [message]);
  }

  static dataRead(cause: unknown): AppError {
    return new AppError(500, ErrorCode.Internal, [ErrorMessage.dataRead], { cause });
  }

  static dataWrite(cause: unknown): AppError {
    return new AppError(500, ErrorCode.Internal, [ErrorMessage.dataWrite], { cause });
  }

  static internal(cause: unknown): AppError {
    return new AppError(500, ErrorCode.Internal, [ErrorMessage.internal], { cause });
  }

  static unavailable(message: string, cause?: unknown): AppError {
    return new AppError(503, ErrorCode.Unavailable, [message], { cause });
  }

  /** 401: a bearer value with our token prefix that is no live token (RFC 6750 names the scheme in the header). */
  static invalidToken(): AppError {
    return new AppError(401, ErrorCode.Unauthorized, [ErrorMessage.invalidToken], { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
  }

  /** 403/612: the API token lacks `scope` (`write`, `session`, `context:<name>`, ...). */
  static tokenScopeMissing(scope: string): AppError {
    return new AppError(403, ErrorCode.TokenScopeMissing, [tokenScopeMissing(scope)]);
  }
}

/** A 403 whose body is the plain text `Forbidden`, as the original server answered. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}
