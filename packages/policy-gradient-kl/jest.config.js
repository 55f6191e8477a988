module.exports = { ...require('../../jest.preset.js'), displayName: 'policy-gradient-kl' };
