import { ErrorCode } from '../../protocol/errors';

/** NotControllerException: this node is not (or no longer) the active controller; NOT_CONTROLLER (41). */
export class NotControllerError extends Error {
  readonly code = ErrorCode.NOT_CONTROLLER;
  constructor(message = 'This node is not the active controller.') {
    super(message);
    this.name = 'NotControllerError';
  }
}
