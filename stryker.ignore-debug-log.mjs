import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/**
 * Leaves out mutants inside a call `log(…)` (a statement, or an arrow's body): the `debug` loggers of the brook:* namespaces
 * (`const log = createDebug('brook:…')`). What they print is for whoever debugs, not behaviour;
 * warnings and errors that reach the user go through other calls and are still mutated.
 */
export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'debug-log', {
    shouldIgnore(path) {
      const node = path.node;
      const call = node.type === 'ExpressionStatement' ? node.expression : node;
      if (call.type === 'CallExpression' && call.callee.type === 'Identifier' && call.callee.name === 'log') {
        return 'debug log text (brook:* namespaces), not behaviour';
      }
      return undefined;
    },
  }),
];
