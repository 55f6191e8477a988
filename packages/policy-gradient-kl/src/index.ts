// @rfai/policy-gradient-kl: advantages, KL estimators, the clipped policy-gradient loss and KL controllers.
export { PolicyGradientError, PGOptionError, PGShapeError, PGValueError, PGStateError } from './errors';
export {
  computeAdvantages,
  type AdvantageEstimator,
  type AdvantageOptions,
  type AdvantageResult,
  type StdScaling,
} from './advantages';
export { EmaBaseline, type EmaBaselineOptions, type EmaBaselineState } from './ema-baseline';
export { klPerToken, klValue, KL_ESTIMATORS, type KLEstimator } from './kl';
export { klPenalizedRewards, type KLRewardOptions, type KLRewardResult, type SequenceLogprobs } from './kl-reward';
export { LOSS_AGGREGATIONS, type LossAggregation } from './aggregation';
export {
  policyLoss,
  type KLPlacement,
  type PolicyLossOptions,
  type PolicyLossMetrics,
  type PolicyLossResult,
} from './loss';
export {
  FixedKLController,
  AdaptiveKLController,
  createKLController,
  klControllerFromState,
  type KLController,
  type KLControllerConfig,
  type KLControllerState,
  type FixedKLControllerState,
  type AdaptiveKLControllerState,
  type AdaptiveKLControllerOptions,
} from './kl-controller';
