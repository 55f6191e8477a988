// @rfai/policy-gradient-kl: advantages, KL estimators, the clipped policy-gradient loss and KL controllers.
// Nothing is exported yet: the package's issue builds it.
export {};
