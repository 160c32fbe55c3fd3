// The account screens' own strings, in Brazilian Portuguese.
import type { AccountStrings } from './en.ts';

export const ptBR: AccountStrings = {
  confirmPassword: 'Confirmar senha',
  newPassword: 'Nova senha',
  confirmNewPassword: 'Confirmar nova senha',
  currentPassword: 'Senha atual',
  passwordsDiffer:
    'Confirmar senha: as duas senhas são diferentes. Digite a mesma senha duas vezes.',
  weakPassword: 'Senha: fraca demais. {why}',
  weakDefault: 'Acrescente mais palavras ou caracteres difíceis de adivinhar.',
  strengthLabel: 'Força',
  strength_0: 'muito fraca',
  strength_1: 'fraca',
  strength_2: 'razoável',
  strength_3: 'boa',
  strength_4: 'muito boa',
  strengthHint:
    'É preciso uma força pelo menos boa: algumas palavras sem relação entre si funcionam bem.',
  forgotPassword: 'Esqueceu a senha?',
  recoverTitle: 'Recuperar sua conta',
  recoverIntro:
    'Digite seu e-mail e a chave de recuperação guardada no cadastro e escolha uma nova senha. Seus arquivos continuam como estão; todas as outras sessões são encerradas.',
  recoveryKey: 'Chave de recuperação',
  recoveryKeyHint: 'Com ou sem hifens e espaços; em maiúsculas ou minúsculas.',
  setNewPassword: 'Definir a nova senha',
  backToLogin: 'Voltar para o login',
  wrongRecoveryKey:
    'Chave de recuperação: esta chave não abre a conta deste e-mail. Confira os dois e tente de novo; nada foi alterado.',
  badRecoveryKey:
    'Chave de recuperação: falta um caractere ou há um erro de digitação. Ela tem 56 letras e dígitos, como mostrado no cadastro.',
  loginFailed: 'Não foi possível entrar: e-mail ou senha incorretos.',
  tooManyAttempts: 'Tentativas demais. Espere um minuto e tente de novo.',
  somethingWrong: 'Algo deu errado: {detail}',
  copyKey: 'Copiar',
  copied: 'Copiada',
  copyFailed: 'Copiar não é permitido aqui. Selecione a chave e copie-a manualmente.',
  recoveryKeyGroups: 'A chave, em grupos de quatro',
  keyFileTitle: 'Chave de recuperação do Coffer',
  keyFileAccount: 'Conta: {email}',
  keyFileHub: 'Rede (hub): {hub}',
  keyFileDate: 'Criada em: {date}',
  keyFileWhat:
    'Esta chave é a única forma de voltar à sua conta se você esquecer a senha. Guarde este arquivo off-line (impresso ou num pendrive), nunca junto da senha. Quem tiver esta chave e seu e-mail pode ler seus arquivos.',
  keyFileBrowser:
    'Para recuperar a conta num navegador: abra {hub}, escolha "Já tenho uma conta", depois "Esqueceu a senha?", e digite seu e-mail, esta chave e uma nova senha.',
  keyFileCli: 'Para recuperar a conta pela linha de comando: coffer recover {email} --hub {hub}',
  changePassword: 'Alterar a senha',
  changePasswordIntro:
    'Seus arquivos continuam como estão. Todas as outras sessões (outros navegadores, a linha de comando, a sincronização) são encerradas; esta continua aberta.',
  wrongCurrentPassword: 'Senha atual: esta não é sua senha atual. Nada foi alterado.',
  samePassword: 'Nova senha: é igual à atual.',
  passwordChanged: 'Senha alterada. Suas outras sessões foram encerradas.',
  deleteAccount: 'Excluir a conta',
  deleteAccountIntro:
    'Exclui sua conta e tudo o que ela guarda, para sempre: arquivos, versões, compartilhamentos, links, pedidos de arquivos, apps e sessões. Ninguém poderá recuperá-la.',
  deleteAccountOpen: 'Excluir a conta…',
  deleteAccountWarning:
    'Tudo em {email} some para sempre. Quem tinha acesso às suas pastas perde o acesso; as cópias que fizeram dos seus arquivos continuam sendo delas.',
  deleteAccountTypeEmail: 'Digite seu e-mail, {email}, para confirmar',
  deleteAccountEmailMismatch: 'E-mail: digite exatamente o e-mail desta conta.',
  deleteAccountPassword: 'Sua senha',
  deleteAccountButton: 'Excluir para sempre',
  deleteAccountOwnsGroups:
    'Você é dono de grupos que ainda têm membros ou convidados. Remova-os ou encerre esses grupos antes.',
  codeTitle: 'Verificação em duas etapas',
  codeIntro:
    'Sua senha está certa. Digite o código que seu aplicativo autenticador mostra para esta conta.',
  codeLabel: 'Código do seu aplicativo autenticador',
  codeHint: 'Os 6 dígitos que o aplicativo mostra agora, ou um dos seus códigos de recuperação.',
  verifyCode: 'Verificar',
  codeNeeded:
    'Isto precisa de um código do seu aplicativo autenticador (ou de um código de recuperação): digite-o no campo do código e tente de novo.',
  wrongCode: 'Código: este código está errado ou já foi usado. Espere o próximo e tente de novo.',
  codeLocked:
    'Códigos errados demais: os códigos são recusados até {time}. Um código de recuperação ainda funciona.',
  codeWait: 'Códigos errados demais: espere alguns segundos antes da próxima tentativa.',
  twoFactor: 'Verificação em duas etapas',
  twoFactorOff:
    'Desativada. Acrescente à sua senha um código de um aplicativo autenticador, para que uma senha roubada sozinha não abra sua conta.',
  twoFactorOn: 'Ativada. Códigos de recuperação restantes: {count}.',
  twoFactorTurnOn: 'Ativar',
  twoFactorTurnOff: 'Desativar',
  twoFactorScan: 'Leia este QR code com seu aplicativo autenticador, ou digite nele o segredo.',
  twoFactorQr: 'QR code para seu aplicativo autenticador',
  twoFactorSecret: 'Segredo',
  twoFactorFirstCode:
    'Depois digite o código que o aplicativo mostra, para conferir que funciona. Até lá nada muda.',
  recoveryCodesTitle: 'Seus códigos de recuperação',
  recoveryCodesIntro:
    'Cada um vale uma vez, no lugar de um código, se você perder o celular. Eles só aparecem agora: guarde-os fora do computador, longe da sua senha.',
  recoveryCodesStored: 'Já guardei',
  twoFactorOffDone: 'A verificação em duas etapas está desativada.',
  twoFactorOffIntro:
    'Para desativá-la, digite um código do aplicativo ou um código de recuperação.',
  recoveryCodesNewIntro:
    'Digite um código do aplicativo ou um código de recuperação, e a sua senha. Os códigos de recuperação que você tem agora deixarão de funcionar.',
  recoveryCodesMake: 'Criar novos códigos',
  recoveryCodesNew: 'Novos códigos de recuperação',
  recoveryCodesFew: 'Restam poucos códigos de recuperação: crie novos antes que acabem.',
  recoveryCodesReplaced: 'Os códigos de recuperação que você tinha não funcionam mais.',
  // zxcvbn's feedback, by its keys: zxw_ a warning, zxs_ a suggestion.
  zxw_straightRow: 'Sequências de teclas em linha são fáceis de adivinhar.',
  zxw_keyPattern: 'Padrões curtos de teclado são fáceis de adivinhar.',
  zxw_simpleRepeat: 'Caracteres repetidos como "aaa" são fáceis de adivinhar.',
  zxw_extendedRepeat: 'Padrões repetidos como "abcabcabc" são fáceis de adivinhar.',
  zxw_sequences: 'Sequências comuns como "abc" ou "123" são fáceis de adivinhar.',
  zxw_recentYears: 'Anos recentes são fáceis de adivinhar.',
  zxw_dates: 'Datas são fáceis de adivinhar.',
  zxw_topTen: 'Esta é uma das senhas mais usadas.',
  zxw_topHundred: 'Esta é uma senha muito usada.',
  zxw_common: 'Esta é uma senha comum.',
  zxw_similarToCommon: 'Esta senha se parece com uma senha comum.',
  zxw_wordByItself: 'Uma palavra sozinha é fácil de adivinhar.',
  zxw_namesByThemselves: 'Nomes e sobrenomes sozinhos são fáceis de adivinhar.',
  zxw_commonNames: 'Nomes e sobrenomes comuns são fáceis de adivinhar.',
  zxw_userInputs: 'Ela contém seu e-mail ou algo parecido.',
  zxw_pwned: 'Esta senha vazou num vazamento de dados.',
  zxs_anotherWord: 'Acrescente palavras menos comuns.',
  zxs_useWords: 'Use várias palavras, mas evite frases feitas.',
  zxs_repeated: 'Evite palavras e caracteres repetidos.',
  zxs_sequences: 'Evite sequências comuns de caracteres.',
};
