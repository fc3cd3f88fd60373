// The stretch lives with the worker code so a worker thread can run it off the main thread.
export { STRETCH_ROUNDS, stretchRecoveryKey } from '../../../workers/volume/stretch-key';
