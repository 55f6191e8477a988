module.exports = { ...require('../../jest.preset.js'), displayName: 'reward-server' };
