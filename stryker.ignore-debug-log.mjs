import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/**
 * Leaves out mutants inside a statement `log(…)`: the `debug` loggers of the brook:* namespaces
 * (`const log = createDebug('brook:…')`). What they print is for whoever debugs, not behaviour;
 * warnings and errors that reach the user go through other calls and are still mutated.
 */
export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'debug-log', {
    shouldIgnore(path) {
      const node = path.node;
      if (
        node.type === 'ExpressionStatement' &&
        node.expression.type === 'CallExpression' &&
        node.expression.callee.type === 'Identifier' &&
        node.expression.callee.name === 'log'
      ) {
        return 'debug log text (brook:* namespaces), not behaviour';
      }
      return undefined;
    },
  }),
];
