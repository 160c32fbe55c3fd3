// The Groups and Catalog pages' own strings, in Brazilian Portuguese.
import { plurals } from '../../i18n/format.ts';
import type { GroupStrings } from './en.ts';

const plural = plurals('pt-BR');

export const ptBR: GroupStrings = {
  groupsIntro:
    'Grupos privados de pessoas que você conhece. Cada membro vê no Catálogo o que os outros publicam no grupo; nada vai além disso, a menos que um membro publique em outro lugar.',
  newGroup: 'Novo grupo',
  groupName: 'Nome do grupo',
  inviteEmails: 'E-mails para convidar (opcional)',
  createGroup: 'Criar grupo',
  invitations: 'Convites',
  invitationFrom: '{owner} convida você para {name}',
  accept: 'Aceitar',
  decline: 'Recusar',
  yourGroups: 'Seus grupos',
  noGroups:
    'Você ainda não está em nenhum grupo. Crie um acima e convide pessoas pelo e-mail da conta delas, ou espere alguém convidar você.',
  ownerIs: 'Dono: {owner}',
  roleIs: 'Seu papel: {role}',
  role_owner: 'dono',
  role_member: 'membro',
  role_invited: 'convidado',
  memberCount: plural({ one: '{n} membro', other: '{n} membros' }),
  allGroups: 'Todos os grupos',
  members: 'Membros',
  you: 'você',
  state_invited: 'convidado',
  state_member: 'membro',
  state_declined: 'recusou',
  state_left: 'saiu',
  keysNotVerified: 'chaves não verificadas',
  keysUnverifiedNote:
    'Chaves não verificadas: compare os números de segurança em Contatos, para saber que essas chaves são mesmo dessa pessoa.',
  memberKeyChanged:
    'As chaves de {email} mudaram desde que você adicionou essa pessoa. Compare o novo número de segurança em Contatos antes de confiar no que ela publica.',
  servers: 'Servidores',
  noServer: 'nenhum servidor pessoal',
  serversNote:
    'Os membros veem de cada servidor pessoal apenas o país e se está on-line: nunca o endereço nem as chaves.',
  invite: 'Convidar',
  inviteEmail: 'E-mail da pessoa',
  invitedDone: '{email} foi convidado.',
  removeMember: 'Remover {email}',
  removeTitle: 'Remover {email} de {name}?',
  removeText:
    'A pessoa perde o acesso na hora: o grupo recebe uma chave nova, e nada do que for publicado daqui em diante abre para ela. Os arquivos dela continuam sendo dela.',
  leaveGroup: 'Sair do grupo',
  leaveTitle: 'Sair de {name}?',
  leaveText:
    'Sua estante sai do catálogo; seus arquivos ficam onde estão. Para voltar, você vai precisar de um novo convite.',
  leave: 'Sair',
  deleteGroup: 'Excluir grupo',
  deleteTitle: 'Excluir {name} para todos?',
  deleteText:
    'O grupo, seus membros e todas as estantes somem para todos na hora. Os arquivos ficam com quem os publicou.',
  delete: 'Excluir',
  searchCatalog: 'Buscar por nome ou etiqueta',
  filterGroup: 'Grupo',
  filterMember: 'Membro',
  filterKind: 'Tipo',
  everyone: 'Todos',
  allKinds: 'Todos os tipos',
  kind_video: 'Vídeo',
  kind_audio: 'Áudio',
  kind_image: 'Imagem',
  kind_document: 'Documento',
  kind_other: 'Outro',
  sort_date: 'Mais recentes primeiro',
  sort_name: 'Nome',
  sort_size: 'Maiores primeiro',
  sort_rating: 'Mais bem avaliados primeiro',
  entryCount: plural({ one: '{n} item', other: '{n} itens' }),
  entryCountOf: plural({ one: '{n} de {total} item', other: '{n} de {total} itens' }),
  showMore: 'Mostrar mais',
  clearFilters: 'Limpar filtros',
  catalogNoGroups:
    'O catálogo mostra o que as pessoas dos seus grupos publicam. Você ainda não está em nenhum grupo: crie um, ou aceite um convite, em Grupos.',
  catalogEmpty:
    'Nada foi publicado nos seus grupos ainda. Para publicar um arquivo seu, selecione-o em Arquivos e escolha “Publicar em um grupo…”.',
  catalogNoMatch: 'Nada encontrado. Tente outras palavras ou limpe os filtros.',
  catalogBroken: plural({
    one: '{n} item foi assinado pelo autor mas não abre; ele fica de fora.',
    other: '{n} itens foram assinados pelos autores mas não abrem; eles ficam de fora.',
  }),
  byIn: 'de {author}, em {group}',
  tags: 'Etiquetas',
  withdraw: 'Retirar',
  withdrawEntry: 'Retirar {name}',
  withdrawn: '{name} foi retirado de {group}.',
  publishTitle: plural({
    one: 'Publicar {n} arquivo em um grupo',
    other: 'Publicar {n} arquivos em um grupo',
  }),
  publishHint:
    'Os arquivos ficam onde estão. Os membros do grupo veem no catálogo o nome, o tamanho, o tipo, as etiquetas e a nota de cada um.',
  publishTags: 'Etiquetas (separadas por vírgulas)',
  publishNote: 'Nota (opcional)',
  publish: 'Publicar',
  publishNoGroups: 'Você ainda não está em nenhum grupo. Crie um primeiro em Grupos.',
  published: plural({
    one: '{n} arquivo publicado em {group}.',
    other: '{n} arquivos publicados em {group}.',
  }),
  done: 'Concluído',
  // A página Novidades, as cópias e as avaliações.
  feedHint:
    'O que as pessoas dos seus grupos publicam, do mais recente ao mais antigo. Guarde no seu servidor o que quiser, descarte o resto e avalie para os outros.',
  feedNoGroups:
    'Suas novidades mostram o que as pessoas dos seus grupos publicam. Você ainda não está em nenhum grupo: crie um, ou aceite um convite, em Grupos.',
  feedEmpty:
    'Ainda não há nada nas suas novidades. Quando alguém dos seus grupos publicar um arquivo, ele aparece aqui, marcado como novo, até você marcá-lo como visto.',
  unreadCount: plural({ one: '{n} novo', other: '{n} novos' }),
  allSeen: 'Nada de novo desde a última vez que você olhou.',
  markAllSeen: 'Marcar tudo como visto',
  isNew: 'Novo',
  keep: 'Guardar',
  keepEntry: 'Guardar {name} (copiar para o meu servidor)',
  onYourServer: 'No seu servidor (espelhado)',
  kept: 'Guardado',
  keptAt: 'Guardado, copiado para {path}.',
  discard: 'Descartar',
  discardEntry: 'Descartar {name}',
  discarded: '{name} foi descartado: não aparece mais nas suas novidades.',
  copyToServer: 'Copiar para o meu servidor',
  copyEntry: 'Copiar {name} para o meu servidor',
  copyingEntry: 'Copiando {name}',
  copyOf: '{done} de {total}',
  copiedTo: 'Copiado para {path}.',
  yourRating: 'Sua avaliação de {name}',
  stars: plural({ one: '{n} estrela', other: '{n} estrelas' }),
  ratingSummary: plural({
    one: '{average} de {n} avaliação',
    other: '{average} de {n} avaliações',
  }),
  notRated: 'Ainda sem avaliações',
  youRated: plural({ one: 'você deu {n} estrela', other: 'você deu {n} estrelas' }),
  // Espelho automático, na página de um grupo.
  mirrorTitle: 'Copiar os arquivos novos para o meu servidor',
  mirrorIntro:
    'Os arquivos publicados neste grupo a partir de agora são copiados para o seu servidor pessoal assim que aparecem. Quando o orçamento enche, as cópias mais antigas que você não guardou dão lugar às novas.',
  mirrorBudget: 'Orçamento',
  mirrorBudgetBad: 'Escreva um tamanho como 200 GiB, 500 MB ou 2 TB.',
  mirrorNeedsServer:
    'O espelhamento automático copia os arquivos para um servidor pessoal seu, e você ainda não tem nenhum. Inicie um com “coffer host --personal” e reivindique-o com “coffer host claim”.',
  mirrorMember: 'Arquivos de',
  mirrorSave: 'Salvar',
  mirrorUsed: '{used} usados de {budget}',
  mirrorCount: plural({ one: '{n} item copiado', other: '{n} itens copiados' }),
  mirrorOnDone: 'Os arquivos novos de {name} são copiados para o seu servidor.',
  mirrorSaved: 'A cópia de {name} foi atualizada.',
  mirrorOffTitle: 'Parar de copiar {name}?',
  mirrorOffText:
    'Os itens copiados que você não guardou são removidos do seu servidor. Os arquivos que você copiou para as suas próprias pastas ficam.',
  mirrorOff: 'Parar de copiar',
  mirrorOffDone: 'Os arquivos novos de {name} não são mais copiados.',
};
