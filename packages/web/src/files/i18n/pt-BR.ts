import { plurals } from '../../i18n/format.ts';
import type { FileStrings } from './en.ts';

const plural = plurals('pt-BR');

export const ptBR: FileStrings = {
  itemActions: 'Ações para {name}',
  selectionActions: 'Ações para a seleção',
  open: 'Abrir',
  newMenu: 'Novo',
  newMenuText: '+ Novo',
  dropToUpload: 'Solte arquivos aqui para enviá-los para {folder}',
  folderMissing: 'A pasta {path} não existe mais. Mostrando a pasta mais próxima acima dela.',
  searchAll: 'Pesquisar em todos os arquivos',
  searchWhere: 'em {folder}',
  searchNone: 'Nada corresponde a “{query}”.',
  searching: 'Pesquisando…',
  previousFile: 'Arquivo anterior',
  nextFile: 'Próximo arquivo',
  positionOf: '{n} de {of}',
  zoomIn: 'Ampliar',
  zoomOut: 'Reduzir',
  resultCount: plural({ one: '{n} resultado', other: '{n} resultados' }),
};
