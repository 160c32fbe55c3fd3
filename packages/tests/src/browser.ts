export { CHROMIUM, launchChromium } from '../../../scripts/chromium.ts';
