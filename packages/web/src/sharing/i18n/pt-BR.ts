// The share dialog's and the shared folder view's own strings, in Brazilian Portuguese.
import type { SharingStrings } from './en.ts';

export const ptBR: SharingStrings = {
  shareTitle: 'Compartilhar “{name}”',
  shareScope:
    'Cada pessoa que você adicionar vê tudo o que há nesta pasta, e o que for adicionado depois.',
  peopleWithAccess: 'Pessoas com acesso',
  onlyYou: 'Só você pode ver esta pasta.',
  accessFor: 'Acesso de {email}',
  addPeople: 'Adicionar pessoas',
  newAccess: 'Acesso das pessoas que você adicionar',
  yourContacts: 'Seus contatos',
  noOtherContacts: 'Nenhum outro contato: adicione alguém pelo e-mail com que se cadastrou.',
  addButton: 'Adicionar',
  addNamed: 'Adicionar {email}',
  compareWith: 'Comparar números de segurança com {email}',
  keysBroken: 'Chaves inválidas',
  unverifiedNote:
    'Não verificado: compare os números de segurança com essa pessoa, para saber que estas chaves são dela e que ninguém está no meio.',
  memberKeysChanged:
    'As chaves de {email} mudaram desde que você o adicionou. Compare com essa pessoa o novo número de segurança e verifique de novo antes de mudar o acesso dela.',
  keyChangedRefused:
    'As chaves de {email} mudaram desde que você o adicionou, então nada foi compartilhado. Compare com essa pessoa o novo número de segurança, verifique e tente de novo.',
  noAccount: 'Nenhuma conta usa {email} nesta rede.',
  badEmail: 'Digite um endereço de e-mail, como nome@example.com.',
  notYourself: 'Esta é a sua própria conta: a pasta já é sua.',
  adding: 'Compartilhando com {email}…',
  removing: 'Removendo {email} e trocando as chaves da pasta…',
  added: '{email} agora tem acesso ({role}).',
  roleChanged: 'Acesso de {email}: {role}.',
  removed: '{email} não tem mais acesso. Os arquivos novos da pasta usam chaves novas.',
  done: 'Concluir',
  manageSharing: 'Gerenciar compartilhamento',
  manageNamed: 'Gerenciar compartilhamento de {path}',
  howToShare: 'Para compartilhar uma pasta, escolha “Compartilhar” nela, em Arquivos.',
  backToShared: 'Voltar para Compartilhados comigo',
  sharedBy: 'Compartilhado por {owner}',
  viewOnly: 'Você pode ver e baixar; só o dono e os editores podem alterar esta pasta.',
  downloadZip: 'Baixar como zip',
};
