// Mantine's PostCSS preset gives our own CSS the same helpers Mantine's styles use
// (light-dark(), rem(), breakpoint mixins).
module.exports = {
  plugins: {
    'postcss-preset-mantine': {},
  },
};
