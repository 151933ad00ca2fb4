/**
 * Evaluation and explanation in the training worker, on the session's model (see
 * training-service.session()): metrics inputs, CAM / Grad-CAM / Grad-CAM++, single-image inference.
 */
export {};
