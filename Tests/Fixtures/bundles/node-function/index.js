exports.handler = async () => require('lodash').VERSION;
