import { rfaiTsup } from '../../tools/tsup-preset';

export default rfaiTsup();
